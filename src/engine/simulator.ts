/** Anything that can receive an event. `arg` is whatever number the scheduler of the event passed. */
export interface EventHandler {
  onEvent(arg: number): void;
}

const INITIAL_CAPACITY = 1024;

/** Out of line, so schedule() stays small enough to be inlined where it is called. */
function pastEvent(at: number, now: number): never {
  throw new Error(`event scheduled in the past or at NaN: at=${at} now=${now}`);
}

/**
 * The simulation clock and future-event set.
 *
 * Time is in nanoseconds (a double). Events fire in order of time, then in the order they
 * were scheduled, so simultaneous events are deterministic.
 *
 * The future-event set is a binary heap on parallel typed arrays that hold each entry's
 * key (time, sequence number) beside its event id, so a comparison reads two adjacent
 * numbers instead of following the id into another array. An event's handler and argument
 * live in arrays indexed by its id; ids are recycled through a free list, so scheduling
 * allocates nothing once the arrays have grown to the peak number of pending events.
 */
export class Simulator {
  /** Current simulated time in ns. */
  now = 0;
  /** Events fired so far. */
  fired = 0;

  /** The heap: entry i has key (heapTime[i], heapSeq[i]) and event id heapId[i]. */
  private heapTime = new Float64Array(INITIAL_CAPACITY);
  private heapSeq = new Float64Array(INITIAL_CAPACITY);
  private heapId = new Int32Array(INITIAL_CAPACITY);
  private size = 0;
  /** Per event id: its argument and handler. */
  private arg = new Float64Array(INITIAL_CAPACITY);
  private handler: (EventHandler | undefined)[] = new Array<EventHandler | undefined>(INITIAL_CAPACITY).fill(undefined);
  private free = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private used = 0;
  private nextSeq = 0;
  private stopped = false;
  /**
   * While a handler runs, its own event is still at the top of the heap. The first event the
   * handler schedules takes over its record and replaces it there in one sift down instead
   * of a pop and a push: the common case of an event scheduling its successor costs one heap
   * operation and no allocation.
   */
  private firingAtTop = false;
  private firingId = -1;

  /** Schedules `handler.onEvent(arg)` at absolute time `at` (ns). `at` must not be in the past. */
  schedule(at: number, handler: EventHandler, arg = 0): void {
    if (!(at >= this.now)) pastEvent(at, this.now);
    const seq = this.nextSeq++;
    if (this.firingAtTop) {
      // The firing event's record is done with once its handler runs, so its successor reuses it.
      this.firingAtTop = false;
      const id = this.firingId;
      this.arg[id] = arg;
      this.handler[id] = handler;
      this.siftDown(0, at, seq, id);
    } else {
      const id = this.allocate();
      this.arg[id] = arg;
      this.handler[id] = handler;
      if (this.size === this.heapTime.length) this.growHeap();
      this.siftUp(this.size++, at, seq, id);
    }
  }

  /** Schedules `handler.onEvent(arg)` after `delay` ns. */
  after(delay: number, handler: EventHandler, arg = 0): void {
    this.schedule(this.now + delay, handler, arg);
  }

  /**
   * Fires events in order until the next one would be later than `until` (ns), or until
   * stop() is called. The clock is left at `until` unless stopped early.
   */
  run(until: number): void {
    this.stopped = false;
    while (!this.stopped && this.size > 0) {
      const t = this.heapTime[0];
      if (t > until) break;
      const id = this.heapId[0];
      this.now = t;
      this.fired++;
      this.firingAtTop = true;
      this.firingId = id;
      (this.handler[id] as EventHandler).onEvent(this.arg[id]);
      if (this.firingAtTop) {
        // The handler scheduled nothing: remove its event, and only now may its id be reused.
        this.firingAtTop = false;
        this.removeTop();
        this.free[this.freeCount++] = id;
      }
    }
    if (!this.stopped && until > this.now) this.now = until;
  }

  /** Makes run() return after the event being fired. */
  stop(): void {
    this.stopped = true;
  }

  /** Number of events waiting. */
  get pending(): number {
    return this.size - (this.firingAtTop ? 1 : 0);
  }

  /** Places the entry (t, s, id) at hole `i` or above it. */
  private siftUp(i: number, t: number, s: number, id: number): void {
    const time = this.heapTime;
    const seq = this.heapSeq;
    const ids = this.heapId;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p];
      if (pt < t || (pt === t && seq[p] < s)) break;
      time[i] = pt;
      seq[i] = seq[p];
      ids[i] = ids[p];
      i = p;
    }
    time[i] = t;
    seq[i] = s;
    ids[i] = id;
  }

  /** Places the entry (t, s, id) at hole `i` or below it. */
  private siftDown(i: number, t: number, s: number, id: number): void {
    const time = this.heapTime;
    const seq = this.heapSeq;
    const ids = this.heapId;
    const n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = time[c];
      const r = c + 1;
      if (r < n) {
        const rt = time[r];
        if (rt < ct || (rt === ct && seq[r] < seq[c])) {
          c = r;
          ct = rt;
        }
      }
      if (t < ct || (t === ct && s < seq[c])) break;
      time[i] = ct;
      seq[i] = seq[c];
      ids[i] = ids[c];
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    ids[i] = id;
  }

  private removeTop(): void {
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.heapTime[last], this.heapSeq[last], this.heapId[last]);
  }

  private allocate(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    if (this.used === this.arg.length) this.growRecords();
    return this.used++;
  }

  private growRecords(): void {
    const n = this.arg.length * 2;
    const a = new Float64Array(n);
    a.set(this.arg);
    this.arg = a;
    const h = new Array<EventHandler | undefined>(n).fill(undefined);
    for (let i = 0; i < this.handler.length; i++) h[i] = this.handler[i];
    this.handler = h;
    const f = new Int32Array(n);
    f.set(this.free);
    this.free = f;
  }

  private growHeap(): void {
    const n = this.heapTime.length * 2;
    const t = new Float64Array(n);
    t.set(this.heapTime);
    this.heapTime = t;
    const s = new Float64Array(n);
    s.set(this.heapSeq);
    this.heapSeq = s;
    const ids = new Int32Array(n);
    ids.set(this.heapId);
    this.heapId = ids;
  }
}
