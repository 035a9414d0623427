import { aggregate } from 'mingo';
import { cloneDeep } from 'mingo/util';
import { canonicalKey, isPlainObject, type Document } from './bson-values';
import type { Collection } from './collection';
import { ErrorCode, MongoCommandError, unsupported } from './errors';
import { findMatches } from './matching';
import {
  assertNoScript,
  baseMingoOptions,
  Filter,
  parseSort,
  runMingo,
  sortDocuments,
} from './query';

/** Stages handed to mingo (its output for these is covered by the conformance tests). */
const mingoStages = new Set([
  '$group',
  '$skip',
  '$limit',
  '$project',
  '$addFields',
  '$set',
  '$unset',
  '$unwind',
  '$lookup',
  '$count',
  '$sortByCount',
  '$replaceRoot',
  '$replaceWith',
  '$bucket',
  '$bucketAuto',
  '$sample',
  '$unionWith',
  '$graphLookup',
  '$setWindowFields',
  '$redact',
  '$densify',
  '$fill',
  '$documents',
]);
/** Stages that never modify the documents they receive, so stored documents need no copy. */
const readOnlyStages = new Set([
  '$match',
  '$sort',
  '$skip',
  '$limit',
  '$count',
  '$group',
  '$sortByCount',
]);
const unsupportedStages = new Set([
  '$geoNear',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$indexStats',
  '$collStats',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$planCacheStats',
  '$listSearchIndexes',
]);

export type CollectionResolver = (name: string) => Collection | undefined;

function stageName(stage: unknown): string {
  if (!isPlainObject(stage) || Object.keys(stage).length !== 1)
    throw new MongoCommandError(
      40323,
      'A pipeline stage specification object must contain exactly one field.',
    );
  return Object.keys(stage)[0] as string;
}

/** Validates a pipeline (and the pipelines nested in `$lookup`, `$facet`, `$unionWith`) up front. */
export function validatePipeline(pipeline: unknown): Document[] {
  if (!Array.isArray(pipeline))
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      "'pipeline' option must be specified as an array",
    );
  pipeline.forEach((stage, position) => {
    const name = stageName(stage);
    const argument: unknown = (stage as Document)[name];
    if (name === '$changeStream')
      throw new MongoCommandError(
        ErrorCode.ChangeStreamNotSupported,
        'The $changeStream stage is only supported on replica sets (not by the inbox-crm in-process test server)',
      );
    if (name === '$out' || name === '$merge') throw unsupported(`The ${name} stage`);
    if (unsupportedStages.has(name)) throw unsupported(`The ${name} stage`);
    if (name === '$match') {
      new Filter(argument);
    } else if (name === '$sort') {
      parseSort(argument);
    } else if (name === '$facet') {
      if (!isPlainObject(argument))
        throw new MongoCommandError(
          ErrorCode.TypeMismatch,
          'the $facet specification must be an object',
        );
      for (const inner of Object.values(argument)) validatePipeline(inner);
    } else if (name === '$documents') {
      if (position !== 0)
        throw new MongoCommandError(ErrorCode.BadValue, '$documents must be the first stage');
    } else if (!mingoStages.has(name)) {
      throw new MongoCommandError(
        ErrorCode.UnrecognizedPipelineStage,
        `Unrecognized pipeline stage name: '${name}'`,
      );
    }
    if (
      (name === '$lookup' || name === '$unionWith') &&
      isPlainObject(argument) &&
      argument.pipeline !== undefined
    )
      validatePipeline(argument.pipeline);
    assertNoScript(argument);
  });
  return pipeline as Document[];
}

function needsCopies(pipeline: Document[]): boolean {
  return pipeline.some((stage) => {
    const name = stageName(stage);
    if (name === '$facet')
      return Object.values(stage.$facet as Document).some((inner) =>
        needsCopies(inner as Document[]),
      );
    return !readOnlyStages.has(name);
  });
}

/** Runs a validated pipeline: `$match` and `$sort` here (BSON order, index use), the rest in mingo. */
export function runPipeline(
  collection: Collection | undefined,
  pipeline: Document[],
  resolve: CollectionResolver,
): Document[] {
  let input: Document[];
  let rest = pipeline;
  const first = pipeline[0];
  if (first && stageName(first) === '$match') {
    input = findMatches(collection, new Filter(first.$match));
    rest = pipeline.slice(1);
  } else {
    input = collection?.all() ?? [];
  }
  if (needsCopies(rest)) input = input.map((document) => cloneDeep(document));
  return runStages(input, rest, resolve);
}

function runStages(
  documents: Document[],
  pipeline: Document[],
  resolve: CollectionResolver,
): Document[] {
  const options = {
    ...baseMingoOptions,
    collectionResolver: (name: string): Document[] =>
      (resolve(name)?.all() ?? []).map((document) => cloneDeep(document)),
  };
  let current = documents;
  let batch: Document[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const stages = batch;
    batch = [];
    current = runMingo(() => aggregate(current, stages, options));
  };
  for (const stage of pipeline) {
    const name = stageName(stage);
    const simpleGroup = name === '$group' ? simpleGroupOf(stage.$group) : undefined;
    if (name === '$match') {
      flush();
      const filter = new Filter(stage.$match);
      current = current.filter((document) => filter.test(document));
    } else if (name === '$sort') {
      flush();
      current = sortDocuments(current, parseSort(stage.$sort));
    } else if (simpleGroup) {
      flush();
      current = runSimpleGroup(current, simpleGroup);
    } else if (name === '$facet') {
      flush();
      const input = current;
      const facets: Document = {};
      for (const [field, inner] of Object.entries(stage.$facet as Document)) {
        const innerPipeline = inner as Document[];
        facets[field] = runStages(
          needsCopies(innerPipeline) ? input.map((document) => cloneDeep(document)) : input,
          innerPipeline,
          resolve,
        );
      }
      current = [facets];
    } else {
      batch.push(stage);
    }
  }
  flush();
  return current;
}

type GroupKey = { constant: unknown } | { field: string };
type GroupSum = { addend: number } | { field: string };

interface SimpleGroup {
  key: GroupKey;
  sums: Array<[string, GroupSum]>;
}

/** A top-level field reference (`'$amount'`): no dotted path, no variable. */
function simpleFieldOf(expression: unknown): string | undefined {
  if (typeof expression !== 'string' || !expression.startsWith('$')) return undefined;
  const field = expression.slice(1);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? field : undefined;
}

/**
 * The `$group`s the CRM's counts and kanban totals send — `_id` a constant or a top-level field,
 * every accumulator `{$sum: <integer>}` or `{$sum: '$field'}` — or undefined for any other.
 */
function simpleGroupOf(group: unknown): SimpleGroup | undefined {
  if (!isPlainObject(group) || !('_id' in group)) return undefined;
  const id: unknown = group._id;
  let key: GroupKey;
  const keyField = simpleFieldOf(id);
  if (keyField !== undefined) key = { field: keyField };
  else if (
    id === null ||
    typeof id === 'number' ||
    typeof id === 'boolean' ||
    (typeof id === 'string' && !id.startsWith('$'))
  )
    key = { constant: id };
  else return undefined;
  const sums: Array<[string, GroupSum]> = [];
  for (const [name, accumulator] of Object.entries(group)) {
    if (name === '_id') continue;
    if (!isPlainObject(accumulator) || Object.keys(accumulator).length !== 1) return undefined;
    const argument: unknown = accumulator.$sum;
    const field = simpleFieldOf(argument);
    if (field !== undefined) sums.push([name, { field }]);
    else if (typeof argument === 'number' && Number.isSafeInteger(argument))
      sums.push([name, { addend: argument }]);
    else return undefined;
  }
  return { key, sums };
}

/**
 * Runs a simple `$group` in one pass. Groups come out in order of first appearance (as mingo
 * does); a missing key groups with null under `_id: null`, as MongoDB does. `$sum` adds numbers
 * only (strings, arrays, documents and NaN are skipped, as in mingo).
 */
function runSimpleGroup(documents: Document[], plan: SimpleGroup): Document[] {
  const groups = new Map<string, Document>();
  for (const document of documents) {
    const value: unknown = 'constant' in plan.key ? plan.key.constant : document[plan.key.field];
    const canonical = canonicalKey(value);
    let group = groups.get(canonical);
    if (!group) {
      group = { _id: value === undefined ? null : value };
      for (const [name] of plan.sums) group[name] = 0;
      groups.set(canonical, group);
    }
    for (const [name, sum] of plan.sums) {
      if ('addend' in sum) {
        group[name] = (group[name] as number) + sum.addend;
      } else {
        const addend: unknown = document[sum.field];
        if (typeof addend === 'number' && !Number.isNaN(addend))
          group[name] = (group[name] as number) + addend;
      }
    }
  }
  return [...groups.values()];
}
