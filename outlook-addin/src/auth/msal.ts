// The only door to MSAL: imported dynamically, so its ~71 KB gzip land in their own `msal` chunk,
// loaded at the first Microsoft sign-in and never before the pane's first render.
export {
  createNestablePublicClientApplication,
  createStandardPublicClientApplication,
} from '@azure/msal-browser';
