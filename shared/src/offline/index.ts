export { MemoryKeyValueStorage, SerialStorage } from './key-value-storage';
export type { KeyValueStorage } from './key-value-storage';
export { createOfflineQueue, queuedActionId, OfflineQueueError } from './offline-queue';
export type {
  OfflineQueue,
  OfflineQueueOptions,
  QueuedAction,
  QueuedActionInput,
  QueuedActionState,
} from './offline-queue';
