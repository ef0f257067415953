/** The HTML pages of the authorization server. */
export { escapeHtml } from './escape-html.js';
export { renderConsentPage } from './consent-page.js';
export type { ConsentPageInput, ConsentScope } from './consent-page.js';
export { renderErrorPage } from './error-page.js';
export type { ErrorPageInput } from './error-page.js';
export { renderLoginPage } from './login-page.js';
export type { LoginPageInput } from './login-page.js';
