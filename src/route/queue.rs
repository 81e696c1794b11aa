//! The priority queue behind every search.
//!
//! Keys are packed into one `u64` (time in the high half, a tie-break in the
//! low half) so that comparisons are a single integer compare and ties are
//! broken by the low half.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::units::Time;

#[inline]
pub(crate) fn pack(time: Time, low: u32) -> u64 {
    ((time as u64) << 32) | low as u64
}

#[inline]
pub(crate) fn unpack(key: u64) -> (Time, u32) {
    ((key >> 32) as Time, key as u32)
}

/// A min-queue of `(key, node)` entries with lazy deletion.
#[derive(Debug, Default, Clone)]
pub(crate) struct MinQueue {
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl MinQueue {
    pub fn with_capacity(n: usize) -> Self {
        MinQueue {
            heap: BinaryHeap::with_capacity(n),
        }
    }

    #[inline]
    pub fn push(&mut self, key: u64, node: u32) {
        self.heap.push(Reverse((key, node)));
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(u64, u32)> {
        self.heap.pop().map(|Reverse(x)| x)
    }

    pub fn clear(&mut self) {
        self.heap.clear();
    }
}
