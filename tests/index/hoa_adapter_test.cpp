// hoa_adapter_test.cpp - (being written)
