import { Document, isMap, isPair, isScalar, isSeq, Node, Pair, visit } from 'yaml';

/** How the author laid the file out, so re-rendered documents look like their neighbours. */
export interface Layout {
  indent: number;
  /** `key:\n  - item` (true) or `key:\n- item` (false, as kubectl writes). */
  indentSeq: boolean;
  /** `{ a: 1 }` (true) or `{a: 1}` (false). */
  flowCollectionPadding: boolean;
}

/**
 * Writes the file back. Documents that were not changed keep their exact original bytes;
 * a changed one is re-rendered by the yaml Document API, which keeps its comments, quoting and
 * flow style, with the indentation the author used. Each document's slice runs from the end of
 * the previous one, so comments between documents travel with the document they precede.
 */
export function renderManifest(source: string, documents: Document[], changed: ReadonlySet<Document>): string {
  const layout = detectLayout(source, documents);
  let out = '';
  let from = 0;
  for (const document of documents) {
    const end = document.range?.[2] ?? source.length;
    out += changed.has(document) ? document.toString({ lineWidth: 0, ...layout }) : source.slice(from, end);
    from = end;
  }
  return out + source.slice(from);
}

export function detectLayout(source: string, documents: Document[]): Layout {
  const layout: Partial<Layout> = {};
  const column = (offset: number) => offset - source.lastIndexOf('\n', offset - 1) - 1;
  for (const document of documents) {
    visit(document, {
      Pair(_, pair: Pair) {
        const key = isScalar(pair.key) ? pair.key : undefined;
        const value = pair.value as Node | null;
        if (!key?.range || !value?.range || (!isMap(value) && !isSeq(value)) || value.flow) return;
        const first = value.items[0];
        const firstKey = isPair(first) ? (first.key as Node | null) : undefined;
        if (isMap(value) && layout.indent === undefined && firstKey?.range) {
          const step = column(firstKey.range[0]) - column(key.range[0]);
          if (step > 0) layout.indent = step;
        }
        if (isSeq(value) && layout.indentSeq === undefined) {
          layout.indentSeq = column(value.range[0]) > column(key.range[0]);
        }
      },
      Map(_, map) {
        if (map.flow && map.items.length && map.range && layout.flowCollectionPadding === undefined) {
          layout.flowCollectionPadding = source[map.range[0] + 1] === ' ';
        }
      },
    });
  }
  return {
    indent: layout.indent ?? 2,
    indentSeq: layout.indentSeq ?? true,
    flowCollectionPadding: layout.flowCollectionPadding ?? true,
  };
}
