import ts from 'typescript';

/** One ```ts block of a TSDoc `@example`, as written in its source file. */
export interface TsDocExample {
  /** Absolute path of the source file whose TSDoc holds the example. */
  readonly file: string;
  /** 1-based line, in `file`, of the first line of code (the line after the opening fence). */
  readonly line: number;
  /** The code, with the comment's leading ` * ` removed; lines joined by `\n`. */
  readonly code: string;
}

const FENCE_OPEN = /^```(ts|typescript)\s*$/;

/**
 * Finds every fenced ```ts (or ```typescript) block that follows an
 * `@example` tag in a TSDoc comment (`/** ... *\/`) of a TypeScript source.
 * Blocks in other languages and fences outside `@example` are ignored; an
 * example ends at the next tag or at the end of its comment.
 *
 * @param file - absolute path, reported back in each example
 * @param text - the file's contents
 * @returns the examples in source order (empty when there are none)
 */
export function extractExamples(file: string, text: string): TsDocExample[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Set<number>();
  const examples: TsDocExample[] = [];
  const visit = (node: ts.Node): void => {
    for (const range of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []) {
      const comment = text.slice(range.pos, range.end);
      if (seen.has(range.pos) || !comment.startsWith('/**')) continue;
      seen.add(range.pos);
      examples.push(...examplesOfComment(file, comment, source.getLineAndCharacterOfPosition(range.pos).line + 1));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return examples.sort((a, b) => a.line - b.line);
}

function examplesOfComment(file: string, comment: string, commentLine: number): TsDocExample[] {
  const lines = comment.split('\n').map((l) => l.replace(/^\s*\/?\*\*?\/?\s?/, '').replace(/\s*\*\/$/, ''));
  const examples: TsDocExample[] = [];
  let inExample = false;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.startsWith('@')) inExample = line.startsWith('@example');
    if (!inExample || !FENCE_OPEN.test(line.trim())) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] ?? '').trim().startsWith('```')) end += 1;
    examples.push({ file, line: commentLine + start, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return examples;
}
