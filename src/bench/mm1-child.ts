// A hand-written M/M/1 in plain Node, the reference the CLI's M/M/1 is held to: typed
// arrays for the event heap and the queue, an inline RNG, no framework. Run as a child
// process (start-up included, as the CLI's is): arrival rate 1 per us, mean service 0.9 us
// (utilization 0.9), `customers` departures; prints the mean time in system in us.
const customers = Number(process.argv[2] ?? 1_000_000);
const LAMBDA = 1e-3; // per ns
const SERVICE = 900; // ns

// xorshift128+ as doubles in [0, 1).
let s0 = 0x9e3779b9 | 0;
let s1 = 0x7f4a7c15 | 0;
let s2 = 0x85ebca6b | 0;
let s3 = 0xc2b2ae35 | 0;
function uniform(): number {
  let t = s0 ^ (s0 << 11);
  s0 = s1;
  s1 = s2;
  s2 = s3;
  s3 = s3 ^ (s3 >>> 19) ^ (t ^ (t >>> 8));
  t = (s3 >>> 0) / 4294967296;
  return t;
}
const exp = (mean: number): number => -mean * Math.log(1 - uniform());

// Event heap: (time, kind) with kind 0 = arrival, 1 = departure; at most two events pending.
const CAP = 4;
const time = new Float64Array(CAP);
const kind = new Int32Array(CAP);
let n = 0;
function push(t: number, k: number): void {
  let i = n++;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (time[p] <= t) break;
    time[i] = time[p];
    kind[i] = kind[p];
    i = p;
  }
  time[i] = t;
  kind[i] = k;
}
function pop(): void {
  const lt = time[--n];
  const lk = kind[n];
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && time[c + 1] < time[c]) c++;
    if (time[c] >= lt) break;
    time[i] = time[c];
    kind[i] = kind[c];
    i = c;
  }
  time[i] = lt;
  kind[i] = lk;
}

// FIFO of arrival times on a growable ring.
let q = new Float64Array(1024);
let head = 0;
let count = 0;
function enqueue(t: number): void {
  if (count === q.length) {
    const next = new Float64Array(q.length * 2);
    for (let i = 0; i < count; i++) next[i] = q[(head + i) % q.length];
    q = next;
    head = 0;
  }
  q[(head + count++) % q.length] = t;
}

let done = 0;
let sum = 0;
push(exp(1 / LAMBDA), 0);
while (done < customers) {
  const now = time[0];
  const k = kind[0];
  pop();
  if (k === 0) {
    enqueue(now);
    if (count === 1) push(now + exp(SERVICE), 1);
    push(now + exp(1 / LAMBDA), 0);
  } else {
    sum += now - q[head];
    head = (head + 1) % q.length;
    count--;
    done++;
    if (count > 0) push(now + exp(SERVICE), 1);
  }
}
process.stdout.write(`${(sum / done / 1e3).toFixed(3)}\n`);
