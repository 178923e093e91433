/** A signal's evidence from the stored track record (issue 12 item 2): see README.md. */
export * from "./evidence-lookup.ts";
export * from "./evidence-phrase.ts";
export * from "./evidence-snapshot.ts";
export * from "./evidence-subject.ts";
export * from "./signal-evidence.ts";
