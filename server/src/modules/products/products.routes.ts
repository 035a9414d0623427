import {
  createProductBodySchema,
  errorResponseSchema,
  idParamsSchema,
  listProductsQuerySchema,
  productListResponseSchema,
  productSchema,
  updateProductBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  archiveProduct,
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
} from './product.service';

const tag = 'Products';
const error = (description: string) => ({ description, schema: errorResponseSchema });

export const productsModule: AppModule = {
  name: 'products',
  registerRoutes(router) {
    router.add(
      {
        method: 'get',
        path: '/products',
        summary: 'List products (search by name or internal reference prefix)',
        tag,
        query: listProductsQuerySchema,
        responses: {
          200: { description: 'A page of products', schema: productListResponseSchema },
        },
      },
      ({ query }) => listProducts(query),
    );
    router.add(
      {
        method: 'get',
        path: '/products/:id',
        summary: 'Get a product',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The product', schema: productSchema },
          404: error('Unknown'),
        },
      },
      ({ params }) => getProduct(params.id),
    );
    router.add(
      {
        method: 'post',
        path: '/products',
        summary: 'Create a product (managers)',
        tag,
        body: createProductBodySchema,
        responses: {
          201: { description: 'Created', schema: productSchema },
          400: error('Invalid input'),
          403: error('Not a manager'),
        },
      },
      async ({ actor, body }) => reply(201, await createProduct(actor, body)),
    );
    router.add(
      {
        method: 'patch',
        path: '/products/:id',
        summary: 'Change a product (managers)',
        tag,
        params: idParamsSchema,
        body: updateProductBodySchema,
        responses: {
          200: { description: 'Updated', schema: productSchema },
          400: error('Invalid input'),
          403: error('Not a manager'),
          404: error('Unknown'),
        },
      },
      ({ actor, params, body }) => updateProduct(actor, params.id, body),
    );
    router.add(
      {
        method: 'delete',
        path: '/products/:id',
        summary: 'Archive a product (managers); quotations keep their lines',
        tag,
        params: idParamsSchema,
        responses: {
          204: { description: 'Archived' },
          403: error('Not a manager'),
          404: error('Unknown'),
        },
      },
      async ({ actor, params }) => {
        await archiveProduct(actor, params.id);
      },
    );
  },
};
