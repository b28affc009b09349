// The shape every language's messages must have: English's keys, any text.
import type { en } from './en/index.ts';

type Texts<T> = { readonly [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };

/** A language's messages: English's keys, key for key (a missing or extra key does not compile). */
export type LocaleMessages = Texts<typeof en>;
/** One message module of a language (e.g. its monitoring namespaces). */
export type MessagesOf<Namespace extends keyof typeof en> = Texts<Pick<typeof en, Namespace>>;
