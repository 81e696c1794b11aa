"""A sweep plan gives the same files locally, from Python, on a real Dask
cluster of two worker processes, and from the command line."""

import pytest

import medaccess as ma


def plan(graph, tasks=4):
    return (
        'name = "gp-64"\ndep = ["64"]\n'
        f"tasks = {tasks}\n"
        f'[data]\ncommune_graph = "{graph}"\n'
        "[gp]\ncatchments = [15, 20, 30]\n"
        'decays = ["drees", "binary", "gaussian"]\n'
        '[[gp.supply]]\nname = "counts"\n'
        '[[gp.supply]]\nname = "jitter"\njitter = 0.1\ndraws = 3\nseed = 42\n'
    )


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return ma.cache_commune_graph(tmp_path_factory.mktemp("graph"))


def test_local_dask_and_cli_give_the_same_files(graph, cli, tmp_path):
    from dask.distributed import Client, LocalCluster

    s = ma.Sweep(plan(graph))
    assert len(s.scenarios) == 3 * 3 * 4 and s.tasks == 4
    local = s.run()
    one = s.run(workers=1)
    assert local.files == one.files
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(
        cluster
    ) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        dist = s.run(client=client)
        # both worker processes ran tasks
        who = client.run(lambda: __import__("os").getpid())
        assert len(set(who.values())) == 2
    assert dist.files == local.files
    # and the command line, on the same plan file
    p = tmp_path / "plan.toml"
    p.write_text(plan(graph), encoding="utf-8")
    cli("sweep", p, "--out", tmp_path / "cli")
    for name, data in local.files.items():
        assert (tmp_path / "cli" / name).read_bytes() == data, name
    # the tables
    v = local.values
    assert v.column_names == ["scenario", "parameters", "commune", "value", "flagged"]
    assert v.num_rows == 36 * 545
    assert local.communes.num_rows == 545
    assert "Sweep gp-64" in local.summary
    # tasks one by one, merged in any order
    parts = [s.run_task(t) for t in reversed(range(s.tasks))]
    assert s.merge(parts).files == local.files
    local.write(tmp_path / "py")
    assert sorted(x.name for x in (tmp_path / "py").iterdir()) == sorted(local.files)


def test_bad_plans_are_input_errors():
    with pytest.raises(ma.InputError) as e:
        ma.Sweep('name = "x"\ndep = ["64"]\n[gp]\ncatchments = [20]\ndecay = ["drees"]\n')
    assert "decay" in str(e.value) and e.value.file == "<plan>"
    with pytest.raises(ma.InputError):
        ma.Sweep('name = "x"\ndep = ["64"]\n')


def test_merge_refuses_parts_of_another_plan_or_without_a_stamp(graph):
    def small(catchment):
        return (
            f'name = "g"\ndep = ["64"]\ntasks = 2\n[data]\ncommune_graph = "{graph}"\n'
            f"[gp]\ncatchments = [{catchment}]\n"
            '[[gp.supply]]\nname = "counts"\n'
            '[[gp.supply]]\nname = "jitter"\njitter = 0.1\ndraws = 1\nseed = 1\n'
        )

    a, b = ma.Sweep(small(20)), ma.Sweep(small(30))
    assert a.tasks == 2 and b.tasks == 2
    mine, theirs = a.run_task(0), b.run_task(1)
    # the same communes, another plan: refused, not merged into a table of neither
    with pytest.raises(ma.InputError) as e:
        a.merge([mine, theirs])
    assert "another plan" in str(e.value)
    # a part without its first line (the plan's fingerprint) cannot be told apart
    unstamped = theirs.split(b"\n", 1)[1]
    with pytest.raises(ma.InputError) as e:
        b.merge([b.run_task(0), unstamped])
    assert "rerun" in str(e.value)
    assert len(a.merge([mine, a.run_task(1)]).files) > 0
