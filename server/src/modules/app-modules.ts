import type { AppModule } from './app-module';
import { auditModule } from './audit/audit.routes';
import { authModule } from './auth/auth.routes';
import { usersModule } from './users/user.routes';

/** Every feature of the server, in installation order (authentication first). One line each. */
export const appModules: AppModule[] = [
  authModule,
  usersModule,
  auditModule,
];
