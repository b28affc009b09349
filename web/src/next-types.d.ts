// Next's ambient types (CSS imports, images) without the generated next-env.d.ts, which points into .next/.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
