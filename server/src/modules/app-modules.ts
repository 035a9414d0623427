import type { AppModule } from './app-module';
import { auditModule } from './audit/audit.routes';
import { authModule } from './auth/auth.routes';
import { contactSyncModule } from './contact-sync/contact-sync.routes';
import { mailModule } from './mail/mail.routes';
import { usersModule } from './users/user.routes';
import { messagesModule } from './messages/messages.routes';
import { followersModule } from './followers/followers.routes';
import { attachmentsModule } from './attachments/attachments.routes';
import { activityTypesModule } from './activity-types/activity-types.routes';
import { productsModule } from './products/products.routes';
import { activitiesModule } from './activities/activities.routes';
import { partnersModule } from './partners/partner.routes';
import { tagsModule } from './tags/tag.routes';
import { lostReasonsModule } from './lost-reasons/lost-reason.routes';
import { stagesModule } from './stages/stage.routes';
import { teamsModule } from './teams/team.routes';
import { leadsModule } from './leads/lead.routes';
import { pipelineModule } from './pipeline/pipeline.routes';
import { quotationsModule } from './quotations/quotations.routes';
import { graphContactSyncModule } from './graph-contact-sync/graph-contact-sync.routes';
import { staticAssetsModule } from './static-assets/static-assets.module';

/** Every feature of the server, in installation order (authentication first). One line each. */
export const appModules: AppModule[] = [
  authModule,
  usersModule,
  auditModule,
  contactSyncModule,
  mailModule,
  messagesModule,
  followersModule,
  attachmentsModule,
  activityTypesModule,
  productsModule,
  activitiesModule,
  partnersModule,
  tagsModule,
  lostReasonsModule,
  stagesModule,
  teamsModule,
  leadsModule,
  pipelineModule,
  quotationsModule,
  graphContactSyncModule,
  // Last: serves the console (with its client-side routes) and the add-in assets.
  staticAssetsModule,
];
