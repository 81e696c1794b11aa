use crate::units::{NodeId, Time};

/// One direction of a road graph in compressed sparse row form.
///
/// The arcs leaving node `v` are `head[first_out[v]..first_out[v + 1]]` with
/// the matching `weight`s.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Csr {
    first_out: Vec<u32>,
    head: Vec<NodeId>,
    weight: Vec<Time>,
}

impl Csr {
    /// Counting sort of `(tail, head, time)` triples by tail; arcs of one node
    /// sorted by (head, time). Callers check ids are in range.
    pub(crate) fn build(
        num_nodes: usize,
        arcs: impl Iterator<Item = (NodeId, NodeId, Time)> + Clone,
    ) -> Self {
        let mut first_out = vec![0u32; num_nodes + 1];
        let mut m = 0usize;
        for (t, _, _) in arcs.clone() {
            first_out[t as usize + 1] += 1;
            m += 1;
        }
        for i in 0..num_nodes {
            first_out[i + 1] += first_out[i];
        }
        let mut next: Vec<u32> = first_out[..num_nodes].to_vec();
        let mut head = vec![0; m];
        let mut weight = vec![0; m];
        for (t, h, w) in arcs {
            let slot = next[t as usize] as usize;
            head[slot] = h;
            weight[slot] = w;
            next[t as usize] += 1;
        }
        let mut csr = Csr {
            first_out,
            head,
            weight,
        };
        csr.sort_arcs();
        csr
    }

    fn sort_arcs(&mut self) {
        let mut buf: Vec<(NodeId, Time)> = Vec::new();
        for v in 0..self.num_nodes() {
            let (a, b) = (self.first_out[v] as usize, self.first_out[v + 1] as usize);
            let hs = &self.head[a..b];
            let ws = &self.weight[a..b];
            if hs
                .windows(2)
                .zip(ws.windows(2))
                .all(|(h, w)| (h[0], w[0]) <= (h[1], w[1]))
            {
                continue;
            }
            buf.clear();
            buf.extend(hs.iter().copied().zip(ws.iter().copied()));
            buf.sort_unstable();
            for (i, &(h, w)) in buf.iter().enumerate() {
                self.head[a + i] = h;
                self.weight[a + i] = w;
            }
        }
    }

    /// Rebuilds from raw arrays, checking every invariant (used when reading a
    /// graph file, which may be corrupt).
    pub(crate) fn from_raw(first_out: Vec<u32>, head: Vec<NodeId>, weight: Vec<Time>) -> Option<Self> {
        let n = first_out.len().checked_sub(1)?;
        if first_out[0] != 0 || *first_out.last()? as usize != head.len() || head.len() != weight.len() {
            return None;
        }
        if first_out.windows(2).any(|w| w[0] > w[1]) || head.iter().any(|&h| h as usize >= n) {
            return None;
        }
        Some(Csr {
            first_out,
            head,
            weight,
        })
    }

    pub fn num_nodes(&self) -> usize {
        self.first_out.len().saturating_sub(1)
    }

    pub fn num_arcs(&self) -> usize {
        self.head.len()
    }

    /// The arcs leaving `v` as `(head, time)`.
    #[inline]
    pub fn arcs(&self, v: NodeId) -> impl Iterator<Item = (NodeId, Time)> + '_ {
        let (heads, times) = self.arc_slices(v);
        heads.iter().copied().zip(times.iter().copied())
    }

    /// The arcs leaving `v` as parallel slices of heads and times.
    #[inline]
    pub fn arc_slices(&self, v: NodeId) -> (&[NodeId], &[Time]) {
        let a = self.first_out[v as usize] as usize;
        let b = self.first_out[v as usize + 1] as usize;
        (&self.head[a..b], &self.weight[a..b])
    }

    pub fn out_degree(&self, v: NodeId) -> usize {
        (self.first_out[v as usize + 1] - self.first_out[v as usize]) as usize
    }

    /// Raw arrays: offsets, heads, times.
    pub fn raw(&self) -> (&[u32], &[NodeId], &[Time]) {
        (&self.first_out, &self.head, &self.weight)
    }

    pub fn memory_bytes(&self) -> usize {
        4 * (self.first_out.len() + self.head.len() + self.weight.len())
    }
}
