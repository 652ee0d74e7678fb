/** Puts values into a message's {placeholders} (the student's pages get their few texts from the server, not the catalogue). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
