import { z } from "zod";

export const pageInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(20),
  q: z.string().trim().max(100).optional(),
});
export type PageInput = z.infer<typeof pageInput>;
export type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

export const offsetOf = (p: { page: number; pageSize: number }) => (p.page - 1) * p.pageSize;

/** A LIKE pattern matching the text anywhere, with LIKE's wildcards escaped. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
