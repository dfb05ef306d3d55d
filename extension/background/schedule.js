// When to ask the update server next: every interval with ±10% jitter, so
// that a fleet of browsers does not poll in step; after n failures in a
// row 1, 2, 4, 8 … minutes later (with jitter), at most 4 × the interval,
// so that a server outage is not met by a stampede.
export function nextDelay(intervalMinutes, failures, random = Math.random) {
  const base = failures === 0 ? intervalMinutes : Math.min(2 ** (failures - 1), 4 * intervalMinutes);
  return base * (0.9 + 0.2 * random());
}
