// Parse errors carry where the input went wrong (file, line or JSON path) and what was expected,
// so a message reads "parseEdgeList: edges.csv:12: expected a non-negative weight, found '-3'".
import { DiffrgError } from '../../runtime/errors.js';

export interface ParseErrorInfo {
  /** File name (or '<input>' when parsing a string with no name). */
  file: string;
  /** 1-based line number, when the error is tied to one line. */
  line?: number;
  /** A location that is not a line (a JSON path such as `edges[3]`). */
  where?: string;
  /** What the parser expected there. */
  expected: string;
  /** What it found instead (quoted, shortened). */
  found?: string;
}

/** Input that a graph parser cannot accept. */
export class ParseError extends DiffrgError {
  readonly file: string;
  readonly line: number | undefined;
  readonly where: string | undefined;
  readonly expected: string;
  readonly found: string | undefined;
  constructor(op: string, info: ParseErrorInfo) {
    const loc = info.line !== undefined ? `${info.file}:${info.line}` : info.where !== undefined ? `${info.file} at ${info.where}` : info.file;
    super(op, `${loc}: expected ${info.expected}${info.found !== undefined ? `, found ${info.found}` : ''}`);
    this.file = info.file;
    this.line = info.line;
    this.where = info.where;
    this.expected = info.expected;
    this.found = info.found;
  }
}

/** Quotes and shortens a piece of input for an error message. */
export function quote(s: string, max = 60): string {
  const t = s.length > max ? `${s.slice(0, max)}...` : s;
  return JSON.stringify(t);
}
