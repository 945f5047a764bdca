/**
 * Keeps the k largest scores seen (a min-heap on score), so a scan over n items costs O(n log k).
 */
export class TopK<T> {
  private readonly scores: number[] = [];
  private readonly values: T[] = [];

  constructor(private readonly k: number) {}

  /** The smallest score still kept, or -Infinity while the heap is not full. */
  get threshold(): number {
    return this.scores.length < this.k ? -Infinity : this.scores[0];
  }

  push(score: number, value: T): void {
    if (this.k <= 0) return;
    if (this.scores.length < this.k) {
      this.scores.push(score);
      this.values.push(value);
      this.siftUp(this.scores.length - 1);
    } else if (score > this.scores[0]) {
      this.scores[0] = score;
      this.values[0] = value;
      this.siftDown(0);
    }
  }

  /** Best first. */
  sorted(): Array<{ score: number; value: T }> {
    return this.scores.map((score, i) => ({ score, value: this.values[i] })).sort((a, b) => b.score - a.score);
  }

  private swap(i: number, j: number): void {
    [this.scores[i], this.scores[j]] = [this.scores[j], this.scores[i]];
    [this.values[i], this.values[j]] = [this.values[j], this.values[i]];
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.scores[parent] <= this.scores[i]) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.scores.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.scores[l] < this.scores[m]) m = l;
      if (r < n && this.scores[r] < this.scores[m]) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
