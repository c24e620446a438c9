import { MAX_PROPERTY_ID_LENGTH } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { contentTypeOfFormat } from '../../src/images/image-content-type.js';
import { storedImageContentType } from '../../src/images/stored-image-path.js';

const SHA = 'ab'.repeat(32);

describe('storedImageContentType', () => {
  it.each([
    [`${SHA}.jpg`, 'image/jpeg'],
    [`${SHA}.png`, 'image/png'],
    [`${SHA}.webp`, 'image/webp'],
    [`${SHA}.gif`, 'image/gif'],
    [`${SHA}.avif`, 'image/avif'],
    [`${SHA}.tif`, 'image/tiff'],
    [`${SHA}.heic`, 'image/heic'],
    [`${SHA}.web.webp`, 'image/webp'],
    [`${SHA}.thumb.webp`, 'image/webp'],
  ])('accepts %s as %s', (fileName, contentType) => {
    expect(storedImageContentType('4732-w-davis-rd-glendale-az-85306', fileName)).toBe(contentType);
  });

  it.each([
    ['..', `${SHA}.jpg`],
    ['.', `${SHA}.jpg`],
    ['', `${SHA}.jpg`],
    ['/etc', `${SHA}.jpg`],
    ['a/b', `${SHA}.jpg`],
    ['Upper-Case', `${SHA}.jpg`],
    ['-leading-dash', `${SHA}.jpg`],
    ['x'.repeat(MAX_PROPERTY_ID_LENGTH + 1), `${SHA}.jpg`],
    ['prop', '../secret.jpg'],
    ['prop', `${SHA}.jpg\0.txt`],
    ['prop', `${SHA}.JPG`],
    ['prop', `${SHA}.svg`],
    ['prop', `${SHA}.jpg.exe`],
    ['prop', `.${SHA}.jpg`],
    ['prop', `${SHA.slice(1)}.jpg`],
    ['prop', 'manifest.json'],
    ['prop', `${SHA}\\..\\x.jpg`],
  ])('refuses %j / %j', (propertyId, fileName) => {
    expect(storedImageContentType(propertyId, fileName)).toBeNull();
  });
});

describe('contentTypeOfFormat', () => {
  it('maps photo formats, and unknown ones to octet-stream', () => {
    expect(contentTypeOfFormat('jpeg')).toBe('image/jpeg');
    expect(contentTypeOfFormat('webp')).toBe('image/webp');
    expect(contentTypeOfFormat('svg')).toBe('application/octet-stream');
  });
});
