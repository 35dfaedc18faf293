import { verifyChain, type RecordedEvent } from '@dotscience/core';

/** What reading a store back after a crash or power cut found, against the event ids acknowledged before it. */
export interface AcknowledgedAudit {
  events: number;
  /** Acknowledged ids not in the log. */
  lost: number;
  /** Ids that appear more than once. */
  repeated: number;
  /** The read threw, or global positions are not 0, 1, 2, … */
  corruptRead: boolean;
  chainVerifies: boolean;
}

/** Read every event back and check it against the acknowledged ids, the hash chains and the positions. */
export async function auditAcknowledged(readAll: () => AsyncIterable<RecordedEvent>, acknowledged: ReadonlySet<string>): Promise<AcknowledgedAudit> {
  const all: RecordedEvent[] = [];
  let corruptRead = false;
  try {
    for await (const event of readAll()) all.push(event);
  } catch {
    corruptRead = true;
  }
  const present = new Set(all.map((e) => e.id));
  return {
    events: all.length,
    lost: [...acknowledged].filter((id) => !present.has(id)).length,
    repeated: all.length - present.size,
    corruptRead: corruptRead || all.some((e, i) => e.position !== i),
    chainVerifies: verifyChain(all).ok,
  };
}
