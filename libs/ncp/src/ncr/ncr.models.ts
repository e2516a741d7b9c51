/** NCR management API v2 shapes (docs/ncp.md, api §7). */

export interface NcrImagePlatform {
  architecture?: string;
  created?: string;
  digest?: string;
  mediaType?: string;
  os?: string;
  size?: number;
  [key: string]: unknown;
}

export interface NcrTag {
  /** The tag name. */
  name?: string;
  creator?: string;
  digest?: string;
  full_size?: number;
  id?: number;
  image_id?: string;
  images?: NcrImagePlatform[];
  [key: string]: unknown;
}

export interface NcrTagList {
  count: number;
  /** A URL or a page number, depending on the server. */
  next?: string | number | null;
  previous?: string | number | null;
  results: NcrTag[];
}

export interface NcrTagQuery {
  /** > 0 */
  page?: number;
  /** > 0 */
  pagesize?: number;
}
