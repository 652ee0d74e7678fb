// The device's tokens (browser only). A token and its signature are what lets this device
// submit one anonymous response for one target; they never go to the server before the
// submission and are kept here only: IndexedDB "tqe-respond", store "tokens", one record
// per target. The state records what this device did with the token (progress shown to
// the respondent; the server does not know it). Falls back to memory when IndexedDB is
// unavailable (private windows of some browsers): the page then warns that closing it
// loses the tokens.

export type TokenState = "ready" | "submitted" | "declined";

export type TokenRecord = {
  targetId: number;
  campaignId: number;
  token: string; // base64
  signature: string; // base64
  state: TokenState;
};

const DB_NAME = "tqe-respond";
const STORE = "tokens";
const memory = new Map<number, TokenRecord>();
let opened: Promise<IDBDatabase | null> | undefined;

function open(): Promise<IDBDatabase | null> {
  opened ??= new Promise((resolve) => {
    if (typeof indexedDB === "undefined") return resolve(null);
    try {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "targetId" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return opened;
}

/** Whether tokens survive closing the page (false: memory only). */
export async function persistent(): Promise<boolean> {
  return (await open()) !== null;
}

function run<T>(db: IDBDatabase, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

export async function getTokens(targetIds: readonly number[]): Promise<Map<number, TokenRecord>> {
  const db = await open();
  const out = new Map<number, TokenRecord>();
  for (const id of targetIds) {
    const r = db ? await run<TokenRecord>(db, "readonly", (s) => s.get(id)) : memory.get(id);
    if (r) out.set(id, r);
  }
  return out;
}

/** Stores all records in one transaction (all or none). */
export async function putTokens(records: readonly TokenRecord[]): Promise<void> {
  const db = await open();
  if (!db) {
    for (const r of records) memory.set(r.targetId, r);
    return;
  }
  await run(db, "readwrite", (s) => {
    for (const r of records) s.put(r);
  });
}

export async function setTokenState(targetId: number, state: TokenState): Promise<void> {
  const [r] = (await getTokens([targetId])).values();
  if (r) await putTokens([{ ...r, state }]);
}

/** Every record this device holds (to move them to another device). */
export async function allTokens(): Promise<TokenRecord[]> {
  const db = await open();
  if (!db) return [...memory.values()];
  return (await run<TokenRecord[]>(db, "readonly", (s) => s.getAll())) ?? [];
}

/** Tells the pages of this tab that the tokens changed (e.g. received from another device). */
export const TOKENS_CHANGED = "tqe-tokens-changed";
