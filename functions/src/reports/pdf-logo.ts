// Whether pdfkit can place a tenant's logo image, checked when the logo is uploaded.
import { inflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';

/** What pdfkit's (untyped) openImage gives back: a PNG also keeps its compressed pixel data. */
interface OpenedImage {
  width: number;
  height: number;
  imgData?: Buffer;
}

/**
 * Throws unless pdfkit can place `data` on a page: the PNG or JPEG headers parse, and a PNG's pixel
 * data inflates (pdfkit inflates it only while writing the PDF, where a failure could not be caught).
 * Checked when a logo is uploaded, so a bad image is refused then and never fails a report later.
 */
export function checkLogoImage(data: Buffer): { width: number; height: number } {
  const doc = new PDFDocument({ autoFirstPage: false });
  const open = (doc as unknown as { openImage(src: Buffer): OpenedImage }).openImage.bind(doc);
  let image: OpenedImage;
  try {
    image = open(data);
    if (image.imgData) inflateSync(image.imgData);
  } catch (error) {
    // pdfkit throws strings for some malformed JPEGs.
    throw new Error(error instanceof Error ? error.message : String(error));
  }
  if (!(image.width > 0 && image.height > 0)) throw new Error('the image has no pixels');
  return { width: image.width, height: image.height };
}
