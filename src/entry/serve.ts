export const SERVE_USAGE = 'placeholder';
export async function runServe(): Promise<number> {
  return Promise.resolve(1);
}
