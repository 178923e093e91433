import type { Catalogue } from "./catalogue.ts";
import { en } from "./en.ts";
import type { Language } from "./language.ts";
import { vi } from "./vi.ts";

/** Every language's catalogue: the one place a renderer or the bot looks up what to say. */
export const CATALOGUES: { readonly [L in Language]: Catalogue } = { vi, en };

/** The texts for one language. */
export function catalogueFor(language: Language): Catalogue {
  return CATALOGUES[language];
}
