/**
 * The states a service wrote last, decoded, by account: a shard has one writer, so the text
 * it reads back is nearly always the text it wrote, and decoding it again (JSON + schema over
 * every kept signal) was a tenth of the timing service's CPU. Used only when the text read
 * equals the text written; bounded, oldest dropped first.
 */
export class RecentStates<S> {
  private readonly entries = new Map<string, { text: string; state: S }>();
  constructor(
    private readonly decode: (text: string) => S,
    private readonly limit = 5_000,
  ) {}

  read(accountKey: string, text: string | undefined): S | undefined {
    if (!text) return undefined;
    const hit = this.entries.get(accountKey);
    return hit !== undefined && hit.text === text ? hit.state : this.decode(text);
  }

  wrote(accountKey: string, text: string, state: S): void {
    this.entries.delete(accountKey);
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(accountKey, { text, state });
  }
}

