#!/bin/bash
# The stand-in web bundle: deployed only when the stack was synthesised without a built web app
# (plain `npm run synth`, the tests). `npm run deploy -w @plantwatch/infra-aws` builds the real one.
exec node server.mjs
