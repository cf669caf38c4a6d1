/** A `.ts` or `.js` file is an extension, never a model. */
export const isExtensionFile = (file: Pick<File, 'name'>): boolean => /\.(ts|js)$/i.test(file.name)
