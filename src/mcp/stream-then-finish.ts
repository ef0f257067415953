/**
 * Hands a streamed (SSE) response on unchanged and runs `finish` once, when
 * the stream ends or the client goes away: the per-request MCP server must
 * stay open while its tool call runs, and close after.
 */

/**
 * A response with `response`'s status, headers and bytes whose end (or
 * cancellation) runs `finish` exactly once. `finish` must not throw.
 * @see MCP 2025-11-25 basic/transports (Streamable HTTP: Sending Messages to the Server)
 */
export function streamThenFinish(response: Response, finish: () => Promise<void>): Response {
  const source = response.body;
  if (source === null) {
    void finish();
    return response;
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> = source.getReader();
  let finished = false;
  const finishOnce = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    await finish();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = await reader.read();
      if (chunk.done) {
        controller.close();
        await finishOnce();
        return;
      }
      controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      await finishOnce();
      await reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}
