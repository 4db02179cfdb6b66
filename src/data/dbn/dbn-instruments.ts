import { ErrorCode, MiaError } from '../../common/errors.js';
import type { DbnMetadata } from './metadata.js';

/** Raw symbol of an instrument id, from the metadata's mappings (the id itself when unmapped). */
export function symbolOf(metadata: DbnMetadata, id: number): string {
  return metadata.mappings.get(String(id)) ?? String(id);
}

/**
 * Instrument ids a --symbol names in the file at `path`: a raw symbol of the mappings, or a numeric instrument id.
 * An empty set: the file's one symbol, which stands for every record. MIA_ERR_UNKNOWN_SYMBOL when it names none.
 */
export function instrumentsOf(metadata: DbnMetadata, symbol: string, path: string): Set<number> {
  const ids = new Set<number>();
  for (const [id, raw] of metadata.mappings) if (raw.toUpperCase() === symbol.toUpperCase()) ids.add(Number(id));
  if (/^\d+$/.test(symbol)) ids.add(Number(symbol));
  // A single-symbol file without mappings: the symbol of the metadata stands for every record.
  if (ids.size === 0 && metadata.mappings.size === 0 && metadata.symbols.length === 1 &&
    metadata.symbols[0]!.toUpperCase() === symbol.toUpperCase()) return new Set();
  if (ids.size === 0) {
    const known = [...new Set([...metadata.mappings.values(), ...metadata.symbols])].join(', ');
    throw new MiaError(ErrorCode.UNKNOWN_SYMBOL, `${path}: symbol "${symbol}" is not in the file (it holds ${known || 'no mapped symbols'})`, { file: path, symbol });
  }
  return ids;
}
