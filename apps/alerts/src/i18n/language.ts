/**
 * The languages the product speaks to its users. `vi` is Vietnamese first with English beside it
 * (the users' language, and a foreign reader or an operator reading logs still understands);
 * `en` is English only. A subscriber's `language` column picks one; null means `ALERT_LANGUAGE`.
 */
export const LANGUAGES = ["vi", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}
