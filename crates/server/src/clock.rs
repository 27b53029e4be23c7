//! Simulated time while serving. `Real` follows the wall clock times `speed` (as the REPL
//! does); `Virtual` moves only when asked: by `/ordinal/v1/clock/…` (a test advancing the
//! clock between commands) and by a watch that has waited with nothing to send (so a client
//! that waits, such as `kubectl delete` or `rollout status`, sees the cluster get there
//! without real waiting, as the playground's own scripts do).

use crate::Shared;
use ordinal_sim::Time;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClockMode {
    Real { speed: f64 },
    Virtual,
}

impl ClockMode {
    pub fn describe(&self) -> String {
        match self {
            ClockMode::Real { speed } => format!("real time x{speed}"),
            ClockMode::Virtual => "virtual (moves only when asked)".into(),
        }
    }
}

/// How often the clock thread moves a real-time clock.
pub const TICK: Duration = Duration::from_millis(20);

pub struct Clock {
    pub mode: ClockMode,
    anchor_wall: Instant,
    anchor_sim: Time,
}

impl Clock {
    pub fn new(mode: ClockMode, now: Time) -> Clock {
        Clock {
            mode,
            anchor_wall: Instant::now(),
            anchor_sim: now,
        }
    }

    /// Where a real-time clock should be now; `None` for a virtual one.
    pub fn target(&self) -> Option<Time> {
        match self.mode {
            ClockMode::Real { speed } => {
                let ms = self.anchor_wall.elapsed().as_secs_f64() * 1000.0 * speed;
                Some(self.anchor_sim.plus_ms(ms as u64))
            }
            ClockMode::Virtual => None,
        }
    }

    /// Changes the mode from the simulated time `now` on.
    pub fn set_mode(&mut self, mode: ClockMode, now: Time) {
        *self = Clock::new(mode, now);
    }

    /// After the simulation was moved by hand (an advance under a real clock), real time
    /// continues from there.
    pub fn reanchor(&mut self, now: Time) {
        self.anchor_wall = Instant::now();
        self.anchor_sim = now;
    }
}

/// The clock thread: moves a real-time clock every [`TICK`] and wakes the watches when the store
/// changed.
pub fn spawn(shared: Arc<Shared>) {
    let _ = std::thread::Builder::new()
        .name("clock".into())
        .spawn(move || loop {
            std::thread::sleep(TICK);
            if shared.stopping.load(Ordering::SeqCst) {
                break;
            }
            let mut st = shared.lock();
            if let Some(target) = st.clock.target() {
                let now = st.cluster.now();
                if target > now {
                    let before = st.cluster.resource_version();
                    st.cluster.advance(target.since(now));
                    // Only a write wakes the watches: one tick of time alone does not (what
                    // waits on time, such as a watch's timeout, wakes on its own deadline), so
                    // idle watches cost nothing between writes.
                    if before != st.cluster.resource_version() {
                        drop(st);
                        shared.notify();
                    }
                }
            }
        });
}
