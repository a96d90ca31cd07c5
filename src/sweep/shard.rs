//! Shards: a sweep's design points split into contiguous blocks, one per
//! cluster job, that `detente merge` joins again.

/// One shard of a design: `index` of `count`, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let parse = || {
            let (k, n) = s.split_once('/')?;
            Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?))
        };
        match parse() {
            Some((index, count)) if count >= 1 && (1..=count).contains(&index) => {
                Ok(Shard { index, count })
            }
            _ => Err(format!(
                "`{s}` is not a shard: write K/N with 1 <= K <= N, e.g. 2/8"
            )),
        }
    }
}

impl Shard {
    /// Points `first..end` of `points` that this shard covers.
    pub fn points(self, points: u64) -> (u64, u64) {
        let at = |k: u64| (u128::from(points) * u128::from(k) / u128::from(self.count)) as u64;
        (at(self.index - 1), at(self.index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_points_exactly_once() {
        for points in [1u64, 7, 10, 1000] {
            for count in 1..=5u64 {
                let mut next = 0;
                for index in 1..=count {
                    let (first, end) = Shard { index, count }.points(points);
                    assert_eq!(first, next);
                    next = end;
                }
                assert_eq!(next, points);
            }
        }
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert!("0/4".parse::<Shard>().is_err());
        assert!("5/4".parse::<Shard>().is_err());
        assert!("2".parse::<Shard>().is_err());
    }
}
