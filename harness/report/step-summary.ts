import { appendFileSync, existsSync, statSync } from 'node:fs';

/**
 * `$GITHUB_STEP_SUMMARY`: GitHub shows at most 1 MiB of it per step and drops a summary that is
 * larger, with an error in place of the whole text ("Adding a job summary", GitHub Actions docs).
 * Past the limit the text is cut at a line and ends with a notice that says where the rest is.
 */

export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** `text` cut to fit in `budgetBytes` (UTF-8), at the end of a line, with the notice after it. */
export function truncateStepSummary(text: string, budgetBytes: number, whereTheRestIs: string): string {
  if (Buffer.byteLength(text) <= budgetBytes) return text;
  const notice = `\n> **Truncated**: this summary is ${formatKiB(Buffer.byteLength(text))}, over GitHub's ${formatKiB(STEP_SUMMARY_LIMIT_BYTES)} step summary limit; ${whereTheRestIs}.\n`;
  const room = Math.max(0, budgetBytes - Buffer.byteLength(notice));
  // cut the bytes, drop a split character, then back to the last whole line
  let head = Buffer.from(text).subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
  const lastLine = head.lastIndexOf('\n');
  head = lastLine >= 0 ? head.slice(0, lastLine + 1) : '';
  return `${head}${notice}`;
}

const formatKiB = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

/**
 * Append Markdown to this step's summary when GitHub gives one (`GITHUB_STEP_SUMMARY`), within
 * what is left of the limit after earlier writes of the same step. Returns whether it was cut.
 */
export function appendStepSummary(markdown: string, whereTheRestIs: string, file: string | undefined = process.env.GITHUB_STEP_SUMMARY): boolean {
  if (!file) return false;
  const used = existsSync(file) ? statSync(file).size : 0;
  const text = truncateStepSummary(`${markdown.trimEnd()}\n`, STEP_SUMMARY_LIMIT_BYTES - used, whereTheRestIs);
  appendFileSync(file, text);
  return text !== `${markdown.trimEnd()}\n`;
}
