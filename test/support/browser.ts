import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** The part of @sparticuz/chromium used here: a headless Chromium shipped in an npm package, unpacked on first use. */
interface SparticuzChromium {
  executablePath(): Promise<string>;
  args: string[];
}

/** `import()` kept as is: tsc would turn it into require(), which cannot load this ES module package. */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: SparticuzChromium }>;

/**
 * Headless Chromium from the npm package @sparticuz/chromium (no system package, nothing downloaded at run time),
 * driven by playwright-core. Its build runs as one process, which takes one browsing context, and ends with that
 * context's last page: open pages in the context returned, and a blank one stays open until the browser closes.
 */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext }> {
  const { default: packaged } = await importModule('@sparticuz/chromium');
  const browser = await chromium.launch({ executablePath: await packaged.executablePath(), args: packaged.args, headless: true });
  const context = await browser.newContext();
  await context.newPage();
  return { browser, context };
}
