/**
 * The desk's Content-Security-Policy (hono's `secureHeaders` form): its pages load only its own scripts and styles
 * (/static), nothing inline. The public schedule has a stricter one of its own; a refusal it answers a browser with
 * is the desk's page, so it is sent under this one (public/routes.ts).
 */
export const DESK_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
};
