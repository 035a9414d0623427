import { isPlainObject, type Document } from './bson-values';

/**
 * All values reached by a dotted path, MongoDB style: arrays met on the way are traversed element
 * by element (a numeric segment indexes into them), and an array at the end yields its elements.
 * A missing path yields nothing.
 */
export function collectPathValues(document: Document, path: string): unknown[] {
  const results: unknown[] = [];
  collect(document, path.split('.'), 0, results, true);
  return results;
}

function collect(
  value: unknown,
  segments: string[],
  position: number,
  results: unknown[],
  expandLeafArray: boolean,
): void {
  if (position === segments.length) {
    if (Array.isArray(value) && expandLeafArray) {
      if (value.length === 0) results.push(undefined);
      else results.push(...value);
    } else {
      results.push(value);
    }
    return;
  }
  const segment = segments[position] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(segment)) {
      const element: unknown = value[Number(segment)];
      if (element !== undefined) collect(element, segments, position + 1, results, expandLeafArray);
      return;
    }
    for (const element of value) {
      if (isPlainObject(element)) collect(element, segments, position, results, expandLeafArray);
    }
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, segment)) {
    collect(value[segment], segments, position + 1, results, expandLeafArray);
  }
}

/** The value at a dotted path without array traversal (undefined when missing). */
export function getPathValue(document: Document, path: string): unknown {
  let current: unknown = document;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isPlainObject(current)) current = current[segment];
    else return undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

/** Sets a dotted path, creating intermediate documents (used to build upserted documents). */
export function setPathValue(document: Document, path: string, value: unknown): void {
  const segments = path.split('.');
  let current: Document = document;
  segments.slice(0, -1).forEach((segment) => {
    const next: unknown = current[segment];
    if (!isPlainObject(next)) current[segment] = {};
    current = current[segment] as Document;
  });
  current[segments[segments.length - 1] as string] = value;
}

/** Whether two dotted paths overlap (one equals or is a prefix of the other at a segment boundary). */
export function pathsConflict(left: string, right: string): boolean {
  if (left === right) return true;
  return left.startsWith(`${right}.`) || right.startsWith(`${left}.`);
}
