import type { AppModule } from './app-module';

/** Every feature of the server, in installation order (authentication first). One line each. */
export const appModules: AppModule[] = [];
