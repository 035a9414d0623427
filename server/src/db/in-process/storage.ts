import type { Document } from './bson-values';
import { Collection } from './collection';
import { ErrorCode, MongoCommandError } from './errors';

/** All databases of the server, each a map of collections. */
export class Storage {
  private readonly databases = new Map<string, Map<string, Collection>>();

  databaseNames(): string[] {
    return [...this.databases.keys()].filter((name) => (this.databases.get(name)?.size ?? 0) > 0);
  }

  collections(databaseName: string): Collection[] {
    return [...(this.databases.get(databaseName)?.values() ?? [])];
  }

  get(databaseName: string, collectionName: string): Collection | undefined {
    return this.databases.get(databaseName)?.get(collectionName);
  }

  /** The collection, created implicitly (as inserts and index builds do on a real server). */
  getOrCreate(
    databaseName: string,
    collectionName: string,
    options: Document = {},
  ): { collection: Collection; created: boolean } {
    validateNamespace(databaseName, collectionName);
    let database = this.databases.get(databaseName);
    if (!database) {
      database = new Map();
      this.databases.set(databaseName, database);
    }
    const existing = database.get(collectionName);
    if (existing) return { collection: existing, created: false };
    const collection = new Collection(databaseName, collectionName, options);
    database.set(collectionName, collection);
    return { collection, created: true };
  }

  drop(databaseName: string, collectionName: string): Collection | undefined {
    const database = this.databases.get(databaseName);
    const collection = database?.get(collectionName);
    database?.delete(collectionName);
    return collection;
  }

  dropDatabase(databaseName: string): void {
    this.databases.delete(databaseName);
  }

  allCollections(): Collection[] {
    return [...this.databases.values()].flatMap((database) => [...database.values()]);
  }
}

export function validateNamespace(databaseName: string, collectionName: string): void {
  if (databaseName.length === 0 || /[/\\. "$]/.test(databaseName))
    throw new MongoCommandError(
      ErrorCode.InvalidNamespace,
      `Invalid database name: '${databaseName}'`,
    );
  if (
    collectionName.length === 0 ||
    collectionName.includes('$') ||
    collectionName.startsWith('.') ||
    collectionName.includes('\u0000')
  ) {
    throw new MongoCommandError(
      ErrorCode.InvalidNamespace,
      `Invalid collection name: ${collectionName}`,
    );
  }
}
