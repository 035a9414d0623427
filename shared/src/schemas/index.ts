// The API's types: one zod schema per request/response, imported by the server (validation,
// OpenAPI) and by the add-ins and console (typed client, form validation). One line per file.
export * from './common.schemas';
export * from './auth.schemas';
export * from './user.schemas';
export * from './token.schemas';
export * from './audit.schemas';
export * from './contact-sync.schemas';
export * from './mail.schemas';
export * from './message.schemas';
export * from './follower.schemas';
export * from './attachment.schemas';
export * from './activity-type.schemas';
export * from './activity.schemas';
export * from './product.schemas';
export * from './quotation.schemas';
export * from './tag.schemas';
export * from './lost-reason.schemas';
export * from './stage.schemas';
export * from './team.schemas';
export * from './partner.schemas';
export * from './lead.schemas';
export * from './pipeline.schemas';
export * from './graph-contact-sync.schemas';
