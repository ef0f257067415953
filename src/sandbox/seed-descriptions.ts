/**
 * Rich-text bodies for the demo data, written with the ADF builders so that
 * every node type clients must handle appears at least once: headings,
 * bullet and ordered lists, code blocks, inline code, links, a table and
 * mentions.
 */
import {
  bulletList,
  codeBlock,
  doc,
  heading,
  inlineCode,
  link,
  mention,
  orderedList,
  paragraph,
  strong,
  table,
  type AdfDoc,
} from './adf.js';
import { ALICE_ACCOUNT_ID, BOB_ACCOUNT_ID } from './catalog.js';

export const CHECKOUT_EPIC: AdfDoc = doc(
  heading(2, 'Goal'),
  paragraph('Cut checkout abandonment by making payment a single, fast step.'),
  heading(2, 'Scope'),
  bulletList(['Saved cards'], ['Guest checkout'], ['Apple Pay'], ['Accessible forms']),
  paragraph(
    'Background research lives in the ',
    link('checkout study', 'https://example.com/research/checkout-study'),
    '.',
  ),
);

export const SAVED_CARD_STORY: AdfDoc = doc(
  heading(2, 'User story'),
  paragraph(
    'As a returning shopper I want to pay with a ',
    strong('saved card'),
    ' so that I do not retype my card details.',
  ),
  heading(3, 'Acceptance criteria'),
  orderedList(
    ['Saved cards are listed with brand and last four digits.'],
    ['The shopper can choose a saved card or enter a new one.'],
    ['Card data never touches our servers; we only hold vault tokens.'],
  ),
  heading(3, 'Supported brands'),
  table(
    ['Brand', 'Supported', 'Notes'],
    ['Visa', 'yes', ''],
    ['Mastercard', 'yes', ''],
    ['Amex', 'later', '4-digit CVC'],
  ),
  paragraph(mention(BOB_ACCOUNT_ID, 'Bob Builder'), ' can you own the vault client sub-task?'),
);

export const SAFARI_BUG: AdfDoc = doc(
  heading(3, 'Steps to reproduce'),
  orderedList(['Open the cart in Safari 17.'], ['Click ', strong('Checkout'), '.']),
  heading(3, 'Expected'),
  paragraph('The payment step opens.'),
  heading(3, 'Actual'),
  paragraph('Nothing happens. The console shows:'),
  codeBlock(
    'javascript',
    "TypeError: undefined is not an object (evaluating 'window.PaymentRequest.prototype')",
  ),
  paragraph('Probably our feature detection; see ', inlineCode('checkout/payment-request.ts'), '.'),
);

export const DOUBLE_EMAIL_BUG: AdfDoc = doc(
  paragraph('Some customers receive two order confirmation emails a few seconds apart.'),
  codeBlock(
    'text',
    '2026-01-12T09:14:03Z INFO  mailer sent order-confirmation order=48121\n' +
      '2026-01-12T09:14:07Z INFO  mailer sent order-confirmation order=48121',
  ),
  paragraph('The retry in the queue consumer is not idempotent.'),
);

export const RUNBOOK_TASK: AdfDoc = doc(
  paragraph('Write the on-call runbook for a payment provider outage.'),
  bulletList(
    ['How to detect it (dashboards, alerts)'],
    ['How to switch to the fallback provider'],
    ['Who to tell: ', mention(ALICE_ACCOUNT_ID, 'Alice Admin')],
  ),
);

export const JPY_BUG: AdfDoc = doc(
  paragraph('Prices in JPY show two decimals and are rounded half-down.'),
  paragraph(
    'JPY has no minor unit; amounts must be whole yen. Use ',
    inlineCode('Intl.NumberFormat'),
    '.',
  ),
  codeBlock(
    'typescript',
    "new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' }).format(1234.5);",
  ),
);

export const LATENCY_DASHBOARD_TASK: AdfDoc = doc(
  heading(2, 'Panels'),
  table(
    ['Panel', 'Query'],
    ['p95 checkout', 'histogram_quantile(0.95, …)'],
    ['Error rate', 'rate(http_5xx[5m])'],
  ),
  paragraph('Dashboard lives in ', link('Grafana', 'https://grafana.example.com/d/checkout'), '.'),
);

export const ADDRESS_BUG: AdfDoc = doc(
  paragraph('Submitting the address form with an empty second line returns HTTP 500.'),
  codeBlock('json', '{ "line1": "1 Main St", "line2": "", "city": "Springfield" }'),
);

export const A11Y_STORY: AdfDoc = doc(
  paragraph('Make the checkout form meet WCAG 2.2 AA.'),
  bulletList(['Labels for every input'], ['Visible focus'], ['Errors announced to screen readers']),
  paragraph('Reference: ', link('WCAG 2.2', 'https://www.w3.org/TR/WCAG22/'), '.'),
);

export const API_DOCS_TASK: AdfDoc = doc(
  paragraph('Publish an OpenAPI description of the public REST API.'),
  codeBlock('bash', 'npx @redocly/cli build-docs openapi.yaml'),
);

export const BACKUP_BUG: AdfDoc = doc(
  paragraph('The nightly backup ran for 5h 40m against a 4h window.'),
  bulletList(['Database grew 30% this quarter'], ['Backup still single-threaded']),
);

export const PLAIN_TLS_TASK: AdfDoc = doc(
  paragraph('The certificate for shop.example.com expires in three weeks.'),
);

/** A one-paragraph comment body. */
export function commentText(value: string): AdfDoc {
  return doc(paragraph(value));
}

export const MENTION_COMMENT: AdfDoc = doc(
  paragraph(
    mention(ALICE_ACCOUNT_ID, 'Alice Admin'),
    ' reproduced on Safari 17.2; Chrome is fine.',
  ),
);

export const CODE_COMMENT: AdfDoc = doc(
  paragraph('Fix proposal: dedupe on the message id before sending.'),
  codeBlock('typescript', 'if (await sent.has(message.id)) return;'),
);
