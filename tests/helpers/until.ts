/**
 * Polls `probe` every 50 ms until it gives a value (anything but undefined or false) and
 * returns it; past `timeoutMs` it throws naming `what`. For tests waiting on a live client
 * (MQTT, OPC UA) whose effects arrive in their own time.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
