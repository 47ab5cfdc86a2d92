/** The wire contract shared by every capability: error codes and the exception that carries them. */
package io.tollgate.api;
