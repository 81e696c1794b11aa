//! A reused [`BoundedSearch`] allocates nothing per search: after warm-up,
//! 10,000 bounded searches on a synthetic road grid make zero heap
//! allocations, counted by a global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use medaccess::route::BoundedSearch;
use medaccess::synthetic::road_grid;
use medaccess::units::{NodeId, minutes};

/// The system allocator, counting the allocations made on threads that
/// asked for it (the test harness's own threads may allocate meanwhile).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to `System` unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

#[test]
fn ten_thousand_bounded_searches_allocate_nothing() {
    // 120 × 120 nodes (about 30 km square); 5-minute searches reach a few
    // hundred to a few thousand nodes each.
    let g = road_grid(120, 120, 5).graph;
    let n = g.num_nodes() as u64;
    let limit = minutes(5.0);
    let mut ws = BoundedSearch::new(g.num_nodes());

    // Search `i`: sources all over the grid, every third one with a second
    // entry point, every fifth one also stopped early as a matrix does
    // (leaving entries queued).
    let search = |ws: &mut BoundedSearch, i: u64, limit| {
        let s = (i * 104_729 % n) as NodeId;
        let t = ((i * 31 + 17) % n) as NodeId;
        let seeds = [(s, 0), (t, (i % 300) as u32)];
        let k = if i.is_multiple_of(3) { 2 } else { 1 };
        let reached = ws.run(g.backward(), &seeds[..k], limit).len();
        if i.is_multiple_of(5) {
            ws.run_until(g.forward(), &seeds[..k], limit, |v, _| v == t);
        }
        reached
    };

    // Warm-up: a few searches twice as long grow the buffers once.
    for i in 0..100 {
        search(&mut ws, 1_000_000 + i, 2 * limit);
    }

    let mut reached = 0usize;
    let count = allocations_in(|| {
        for i in 0..10_000 {
            reached += search(&mut ws, i, limit);
        }
    });
    assert!(reached > 10_000 * 100, "searches did real work: {reached} nodes");
    assert_eq!(count, 0, "allocations during 10,000 bounded searches");
}

#[test]
fn counting_allocator_counts() {
    // The zero above means something only if an allocation would be seen.
    let count = allocations_in(|| {
        std::hint::black_box(vec![1u8; 10]);
    });
    assert_eq!(count, 1);
}
