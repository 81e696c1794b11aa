"""docs/python.md is run as a doctest: every output it shows is what the
package prints."""

import doctest

from conftest import REPO


def test_docs_python_md(tmp_path, monkeypatch):
    # the examples that write files write them here
    monkeypatch.chdir(tmp_path)
    r = doctest.testfile(
        str(REPO / "docs" / "python.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
    )
    assert r.attempted > 20
    assert r.failed == 0, f"{r.failed} of {r.attempted} examples of docs/python.md differ (see above)"
