import type { AccountProfileEventV1, OutcomeEventV1, ParkedItemEventV1 } from "@icpstream/contracts";
import { mapPayload } from "@icpstream/imports";
import type { SourceMapping } from "@icpstream/imports";
import { contractEvents } from "./sources-route.js";
import type { InputTopicId } from "./to-events.js";

/**
 * The resolver: keeps the id → account index from the profiles and outcomes the pipeline
 * sees, and releases parked third-party items once their account's id is known.
 *
 * - A profile carrying `externalIds` (a HubSpot company id, a Segment groupId) records each
 *   id → its account; an outcome records its deal id (`opportunity`) → its account. Then
 *   every waiting item naming one of those ids is tried again.
 * - A parked item is tried at once (the id may have been learned since it was parked); if
 *   its account is still unknown it waits in the lot. A full lot (`maxItems`) dead-letters
 *   it (`PARK_FULL`).
 * - `tick` (on a timer) tries every waiting item again — which also closes the race of an
 *   id learned while its item was on its way to the lot — and dead-letters those waiting
 *   longer than `maxAgeMs` (`UNRESOLVED_ACCOUNT`), with the ids that never resolved.
 * - A released item goes through its source's mapping again, with the instant it was
 *   received, so its events are the very events the gateway would have sent (same ids:
 *   releasing twice is harmless). An item its mapping now rejects, or whose source is no
 *   longer configured, is dead-lettered with the reason.
 *
 * Pure orchestration over ports (index, lot, producer, dead letters): `resolver-main.ts`
 * binds them to Redis and Kafka, tests to in-memory twins.
 */
export interface ParkedEntry {
  item: ParkedItemEventV1;
  /** Epoch ms it entered the lot. */
  parkedAt: number;
}

export interface ResolverPorts {
  mappings: ReadonlyMap<string, SourceMapping>;
  index: {
    lookup(system: string, id: string): Promise<string | undefined> | string | undefined;
    record(entries: readonly { system: string; id: string; accountKey: string }[]): Promise<void>;
  };
  lot: {
    add(eventId: string, entry: ParkedEntry): Promise<"added" | "exists" | "full">;
    all(): Promise<{ eventId: string; entry: ParkedEntry }[]>;
    remove(eventIds: readonly string[]): Promise<void>;
  };
  /** Sends released events; resolves once Kafka acknowledged them. */
  send(events: readonly { topic: InputTopicId; event: Record<string, unknown> }[]): Promise<void>;
  /** Sends a parked item to the parked topic's dead-letter topic with the reason. */
  deadLetter(item: ParkedItemEventV1, code: "PARK_FULL" | "UNRESOLVED_ACCOUNT" | "RELEASE_REJECTED" | "NO_SOURCE", message: string): Promise<void>;
  now(): Date;
  /** How long an item may wait (default 7 days). */
  maxAgeMs: number;
  futureToleranceHours: number;
}

export type ReleaseOutcome = "released" | "waiting" | "dead-lettered";

export class Resolver {
  constructor(private readonly ports: ResolverPorts) {}

  /** One parked item from the topic. */
  async onParked(item: ParkedItemEventV1): Promise<ReleaseOutcome> {
    const outcome = await this.tryRelease(item);
    if (outcome !== "waiting") return outcome;
    const added = await this.ports.lot.add(item.eventId, { item, parkedAt: this.ports.now().getTime() });
    if (added !== "full") return "waiting";
    await this.ports.deadLetter(item, "PARK_FULL", `the parking lot is full; ${this.unresolvedText(item)}`);
    return "dead-lettered";
  }

  /** A profile: its ids go into the index, then the items waiting for them are tried. */
  async onProfile(event: AccountProfileEventV1): Promise<number> {
    const ids = event.externalIds ?? [];
    if (ids.length === 0) return 0;
    await this.ports.index.record(ids.map((e) => ({ ...e, accountKey: event.accountKey })));
    return this.releaseWaiting(ids);
  }

  /** An outcome: its deal id names its account. */
  async onOutcome(event: OutcomeEventV1): Promise<number> {
    const id = { system: "opportunity", id: event.opportunityId };
    await this.ports.index.record([{ ...id, accountKey: event.accountKey }]);
    return this.releaseWaiting([id]);
  }

  /** Tries every waiting item again; dead-letters those past `maxAgeMs`. Returns how many left the lot. */
  async tick(): Promise<{ released: number; deadLettered: number }> {
    const now = this.ports.now().getTime();
    let released = 0;
    let deadLettered = 0;
    for (const { eventId, entry } of await this.ports.lot.all()) {
      const outcome = await this.tryRelease(entry.item);
      if (outcome === "waiting" && now - entry.parkedAt > this.ports.maxAgeMs) {
        await this.ports.deadLetter(entry.item, "UNRESOLVED_ACCOUNT", `waited ${Math.round((now - entry.parkedAt) / 3_600_000)} h, more than the ${Math.round(this.ports.maxAgeMs / 3_600_000)} h allowed; ${this.unresolvedText(entry.item)}`);
        await this.ports.lot.remove([eventId]);
        deadLettered++;
      } else if (outcome !== "waiting") {
        await this.ports.lot.remove([eventId]);
        if (outcome === "released") released++;
        else deadLettered++;
      }
    }
    return { released, deadLettered };
  }

  private async releaseWaiting(ids: readonly { system: string; id: string }[]): Promise<number> {
    const wanted = new Set(ids.map((i) => `${i.system}\u0000${i.id}`));
    let left = 0;
    for (const { eventId, entry } of await this.ports.lot.all()) {
      if (!entry.item.ids.some((i) => wanted.has(`${i.system}\u0000${i.id}`))) continue;
      const outcome = await this.tryRelease(entry.item);
      if (outcome === "waiting") continue;
      await this.ports.lot.remove([eventId]);
      left++;
    }
    return left;
  }

  private unresolvedText(item: ParkedItemEventV1): string {
    return `no account is known for ${item.ids.map((i) => `${i.system} id ${i.id}`).join(" or ")} (${item.source} event ${item.vendorEventId})`;
  }

  private async tryRelease(item: ParkedItemEventV1): Promise<ReleaseOutcome> {
    const mapping = this.ports.mappings.get(item.source);
    if (!mapping) {
      await this.ports.deadLetter(item, "NO_SOURCE", `the source "${item.source}" is not configured here, so its item cannot be read`);
      return "dead-lettered";
    }
    let payload: unknown;
    try {
      payload = JSON.parse(item.item);
    } catch (error) {
      await this.ports.deadLetter(item, "RELEASE_REJECTED", `the parked item is not JSON: ${(error as Error).message}`);
      return "dead-lettered";
    }
    // The parked item is one item of its payload, mapped again as it is (not split by the mapping's `items`).
    const mapped = await mapPayload(mapping, payload, { defaultOccurredAt: item.defaultOccurredAt, index: this.ports.index, label: `${item.source} parked item`, asItem: true });
    const items = mapped.items;
    if (items.length === 0 || items.some((i) => i.status === "unresolved")) return items.length === 0 ? this.reject(item, mapped.problem ?? "the item holds nothing to map") : "waiting";
    const bad = items.find((i) => i.status === "rejected" || i.status === "ignored");
    if (bad) return this.reject(item, bad.status === "ignored" ? "no rule of the mapping reads it any more" : bad.rejects.map((r) => `${r.column ?? ""}: ${r.message}`).join("; "));
    const receivedAt = new Date(item.occurredAt);
    const events: { topic: InputTopicId; event: Record<string, unknown> }[] = [];
    for (const i of items) {
      const checked = contractEvents(i, item.source, receivedAt, this.ports.futureToleranceHours);
      if (checked.problems.length > 0) return this.reject(item, checked.problems.map((p) => `${p.field ?? ""}: ${p.message}`).join("; "));
      events.push(...checked.events);
    }
    await this.ports.send(events);
    // What a released profile or outcome carries teaches the index too (a company's other events wait on it).
    const learned = events.flatMap(({ topic, event }) => {
      if (topic === "firmographic") return ((event.externalIds as { system: string; id: string }[] | undefined) ?? []).map((e) => ({ ...e, accountKey: String(event.accountKey) }));
      if (topic === "outcome") return [{ system: "opportunity", id: String(event.opportunityId), accountKey: String(event.accountKey) }];
      return [];
    });
    await this.ports.index.record(learned);
    return "released";
  }

  private async reject(item: ParkedItemEventV1, why: string): Promise<ReleaseOutcome> {
    await this.ports.deadLetter(item, "RELEASE_REJECTED", `its account is now known, but the item cannot be stored: ${why}`);
    return "dead-lettered";
  }
}
