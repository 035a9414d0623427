export { startInProcessMongo, type InProcessMongo, type InProcessMongoOptions } from './server';
