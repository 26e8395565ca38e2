PKG_CFLAGS = -I/usr/include/hdf5/serial 
PKG_LIBS = -lgsl -lgslcblas -lm -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -linih 
