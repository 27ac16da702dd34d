//! Weighted queues (`-Q high:6,default:3,low:1`): while every queue has
//! work, claims follow the weights. Smooth weighted round-robin (nginx's):
//! deterministic, so 6:3:1 is 6:3:1 over any ten claims, never a run of luck.

use std::sync::Mutex;

/// The weights of a worker's queues and the round-robin's running state.
#[derive(Debug)]
pub(super) struct Weights {
    weights: Vec<i64>,
    current: Mutex<Vec<i64>>,
}

impl Weights {
    /// Weights by queue index (all at least 1).
    pub(super) fn new(weights: &[u32]) -> Weights {
        Weights {
            weights: weights.iter().map(|w| i64::from((*w).max(1))).collect(),
            current: Mutex::new(vec![0; weights.len()]),
        }
    }

    /// How many of `want` jobs to ask each queue for, in the order to ask:
    /// the queue whose turn it is first with its share, then the others by
    /// their turn. Shares add up to at least `want`; a queue with too little
    /// work leaves its share to the next ones (the caller walks the order).
    pub(super) fn plan(&self, want: usize) -> Vec<(usize, usize)> {
        let total: i64 = self.weights.iter().sum();
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        for (c, w) in current.iter_mut().zip(&self.weights) {
            *c += w;
        }
        let mut order: Vec<usize> = (0..self.weights.len()).collect();
        // Highest running score first; ties by queue order.
        order.sort_by(|a, b| current[*b].cmp(&current[*a]).then(a.cmp(b)));
        current[order[0]] -= total;
        let want_i = want as i64;
        order
            .into_iter()
            .map(|i| (i, ((want_i * self.weights[i] + total - 1) / total).max(1) as usize))
            .collect()
    }
}

/// Splits `-Q` entries into names and weights: every entry `NAME:WEIGHT`
/// (weights 1 to 1000) makes the queues weighted; none makes them strict
/// priority. A name may itself hold ':' (`tenant:42:jobs`), so an entry is
/// weighted only when the part after its last ':' is a number.
pub(crate) fn parse_queues(entries: &[String]) -> Result<(Vec<String>, Vec<u32>), String> {
    let split: Vec<(String, Option<u32>)> = entries
        .iter()
        .map(|e| match e.rsplit_once(':') {
            Some((name, w)) if !name.is_empty() && !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) => {
                (name.to_string(), w.parse().ok())
            }
            _ => (e.clone(), None),
        })
        .collect();
    let weighted = split.iter().filter(|(_, w)| w.is_some()).count();
    // One queue has nothing to weigh against: its name stays whole.
    if weighted == 0 || entries.len() < 2 {
        return Ok((entries.to_vec(), Vec::new()));
    }
    if weighted != split.len() {
        return Err("give every queue of -Q a weight (high:6,default:3,low:1) or none (strict priority)".into());
    }
    let mut names = Vec::new();
    let mut weights = Vec::new();
    for (name, w) in split {
        match w {
            Some(w @ 1..=1000) => {
                names.push(name);
                weights.push(w);
            }
            _ => return Err(format!("invalid weight for queue {name:?} in -Q: use 1 to 1000")),
        }
    }
    Ok((names, weights))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_of_one_job_follow_the_weights_exactly() {
        let w = Weights::new(&[6, 3, 1]);
        let mut firsts = [0; 3];
        for _ in 0..100 {
            firsts[w.plan(1)[0].0] += 1;
        }
        assert_eq!(firsts, [60, 30, 10]);
    }

    #[test]
    fn a_batch_is_shared_by_weight_and_every_queue_is_in_the_plan() {
        let w = Weights::new(&[3, 1]);
        let plan = w.plan(100);
        assert_eq!(plan, vec![(0, 75), (1, 25)]);
        assert_eq!(w.plan(1).len(), 2, "an empty queue's share passes on to the next");
    }

    #[test]
    fn weights_are_all_or_none() {
        let q = |s: &str| parse_queues(&s.split(',').map(str::to_string).collect::<Vec<_>>());
        assert_eq!(
            q("high:6,default:3,low:1").unwrap(),
            (vec!["high".into(), "default".into(), "low".into()], vec![6, 3, 1])
        );
        assert_eq!(q("a,b").unwrap(), (vec!["a".into(), "b".into()], vec![]));
        assert_eq!(
            q("tenant:7:jobs,b").unwrap().1,
            Vec::<u32>::new(),
            "a ':' inside a name is a name"
        );
        assert!(q("a:2,b").is_err());
        assert!(q("a:0,b:1").is_err());
    }
}
