import { isPlainObject, type Document } from '../bson-values';
import {
  assertSimpleCollation,
  requireCollectionName,
  type CommandContext,
  type CommandDefinition,
} from '../command-context';
import { ErrorCode, MongoCommandError, unsupported } from '../errors';
import { runPipeline, validatePipeline } from '../pipeline';
import { moveIdFirst } from '../query';

function aggregateCommand(command: Document, context: CommandContext): Document {
  if (command.aggregate === 1) throw unsupported('Database-level aggregate ({aggregate: 1})');
  const name = requireCollectionName(command, 'aggregate');
  if (command.explain === true) throw unsupported('explain');
  assertSimpleCollation(command.collation);
  const pipeline = validatePipeline(command.pipeline);
  if (!isPlainObject(command.cursor))
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  const batchSize =
    typeof command.cursor.batchSize === 'number' ? command.cursor.batchSize : undefined;
  const collection = context.storage.get(context.databaseName, name);
  const results = runPipeline(collection, pipeline, (other) =>
    context.storage.get(context.databaseName, other),
  ).map(moveIdFirst);
  return context.cursors.open(`${context.databaseName}.${name}`, results, { batchSize });
}

export const aggregateCommands: Record<string, CommandDefinition> = {
  aggregate: {
    handler: aggregateCommand,
    fields: [
      'pipeline',
      'cursor',
      'explain',
      'allowDiskUse',
      'bypassDocumentValidation',
      'readConcern',
      'collation',
      'hint',
    ],
    allowedInTransaction: true,
  },
};
