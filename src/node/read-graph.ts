// Reads a graph file, choosing the parser by extension, so that every error names the path.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ParseError } from '../graph/errors.js';
import { parseGraph, type ParseOptions, type ParseResult } from '../graph/parse.js';

export type GraphFormat = 'edgelist' | 'mtx' | 'json';

const BY_EXT: Record<string, GraphFormat> = {
  '.csv': 'edgelist', '.tsv': 'edgelist', '.txt': 'edgelist', '.edges': 'edgelist', '.edgelist': 'edgelist', '.el': 'edgelist',
  '.mtx': 'mtx', '.json': 'json',
};

export interface ReadGraphOptions extends Omit<ParseOptions, 'fileName'> {
  /** Overrides the choice by extension. */
  format?: GraphFormat;
}

/** The format a path's extension selects, or undefined. */
export function graphFormatOf(path: string): GraphFormat | undefined {
  return BY_EXT[extname(path).toLowerCase()];
}

/**
 * Reads and parses `path`: .csv .tsv .txt .edges .edgelist .el as edge lists, .mtx as Matrix
 * Market, .json as {nodes, edges}. Throws ParseError naming the path (and line) for unreadable
 * files, unknown extensions and bad content.
 */
export function readGraphFile(path: string, options: ReadGraphOptions = {}): ParseResult {
  const op = 'readGraphFile';
  const { format: forced, ...parseOpts } = options;
  const format = forced ?? graphFormatOf(path);
  if (!format) {
    throw new ParseError(op, { file: path, expected: `a graph file extension (${Object.keys(BY_EXT).join(' ')}) or the format option`, found: JSON.stringify(extname(path) || '(none)') });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ParseError(op, { file: path, expected: 'a readable file', found: err.code ? `${err.code} (${err.message})` : String(err.message) });
  }
  return parseGraph(text, format, { ...parseOpts, fileName: path });
}
